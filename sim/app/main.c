/*
 * main.c - the clobber binary.  Only main exits; everything else is in the
 * library that the tests link.
 */
#include "sim/app/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
