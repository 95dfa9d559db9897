#ifndef CERTFORM_CYAML_SHIM_H
#define CERTFORM_CYAML_SHIM_H
#include <yaml.h>
#endif
