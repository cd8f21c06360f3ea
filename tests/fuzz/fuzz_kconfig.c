// SPDX-License-Identifier: GPL-2.0
/* Kernel config text (/proc/config.gz once inflated, /boot/config-*). */
#include "fuzz.h"
#include "kconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {
		"CONFIG_HZ", "CONFIG_DEFERRED_STRUCT_PAGE_INIT", "CONFIG_NUMA",
		"CONFIG_DEBUG_INFO_BTF", "CONFIG_LOCALVERSION", "CONFIG_",
	};
	struct mi_kconfig kc = { .text = fuzz_text(data, size) };
	char v[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		mi_kconfig_get(&kc, names[i], v, sizeof(v));
	mi_kconfig_get(&kc, names[0], v, 1);
	mi_kconfig_free(&kc);
	return 0;
}
