// The C library's allocator settings (mallopt), which the Glibc module does not import.
#ifdef __linux__
#include <malloc.h>
#endif
