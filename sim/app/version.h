/*
 * version.h - the program's version, written into every run it stores.
 */
#ifndef CLOBBER_VERSION_H
#define CLOBBER_VERSION_H

#define CLOBBER_VERSION "0.2.0"

#endif
