/*
 * main.c - the clobber binary: only main exits.
 */
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	puts("clobber");
	return 0;
}
