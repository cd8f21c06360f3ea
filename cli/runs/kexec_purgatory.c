// SPDX-License-Identifier: GPL-2.0
/*
 * The purgatory of meminit's kexec_load path: the code the old kernel jumps
 * to once it has copied the segments into place, which sets up what the
 * new kernel's boot protocol asks for and jumps to it. It is data here
 * (.rodata, never run by meminit): a copy goes into the image with its two
 * slots set, mi_purgatory_arg (the boot parameters or the device tree) and
 * mi_purgatory_entry. Position-independent, so it runs wherever it lands.
 *
 * Unlike kexec-tools' and the kernel's purgatory it checks no SHA-256 of
 * the segments: a measurement loop reboots into images it has just read,
 * and that check costs 0.3-0.6 s a boot under TCG.
 */
#include "kexec_segments.h"

#if defined(__x86_64__)
/*
 * Documentation/arch/x86/boot.rst, 64-bit boot protocol: 64-bit mode with
 * an identity map of the kernel, boot_params and command line (the kexec
 * page tables map all RAM), a GDT with __BOOT_CS (0x10) and __BOOT_DS
 * (0x18) loaded and in CS/DS/ES/SS, interrupts off, %rsi = boot_params,
 * enter at the kernel's load address + 0x200. The old kernel's GDT is not
 * mapped any more, so a new one comes first; its address is only known at
 * run time (lgdt takes an absolute one).
 */
__asm__(
"	.pushsection .rodata.mi_purgatory, \"a\"\n"
"	.balign 16\n"
"	.globl mi_purgatory_start, mi_purgatory_end, mi_purgatory_arg, mi_purgatory_entry\n"
"mi_purgatory_start:\n"
"	cli\n"
"	cld\n"
"	leaq	mi_pg_gdt(%rip), %rax\n"
"	movq	%rax, mi_pg_gdt_ptr + 2(%rip)\n"
"	lgdt	mi_pg_gdt_ptr(%rip)\n"
"	movl	$0x18, %eax\n"
"	movl	%eax, %ds\n"
"	movl	%eax, %es\n"
"	movl	%eax, %ss\n"
"	movl	%eax, %fs\n"
"	movl	%eax, %gs\n"
"	leaq	mi_pg_stack_end(%rip), %rsp\n"
"	pushq	$0x10\n"
"	leaq	1f(%rip), %rax\n"
"	pushq	%rax\n"
"	lretq\n"
"1:	movq	.Lmi_pg_arg(%rip), %rsi\n"
"	movq	.Lmi_pg_entry(%rip), %rax\n"
"	xorl	%ebp, %ebp\n"
"	xorl	%edi, %edi\n"
"	xorl	%ebx, %ebx\n"
"	jmpq	*%rax\n"
"	.balign 16\n"
"mi_pg_gdt:\n"
"	.quad	0\n"
"	.quad	0\n"
"	.quad	0x00af9a000000ffff\n"	/* 0x10: 64-bit code, DPL 0 */
"	.quad	0x00cf92000000ffff\n"	/* 0x18: data, 4 GiB flat */
"mi_pg_gdt_ptr:\n"
"	.word	mi_pg_gdt_ptr - mi_pg_gdt - 1\n"
"	.quad	0\n"
"	.balign 8\n"
"mi_purgatory_arg:\n"
".Lmi_pg_arg:\n"
"	.quad	0\n"
"mi_purgatory_entry:\n"
".Lmi_pg_entry:\n"
"	.quad	0\n"
"	.balign 16\n"
"	.fill	256, 1, 0\n"
"mi_pg_stack_end:\n"
"mi_purgatory_end:\n"
"	.popsection\n");
#elif defined(__aarch64__)
/*
 * Documentation/arch/arm64/booting.rst: MMU and D-cache off (the old
 * kernel's cpu_soft_restart leaves them so), x0 = the device tree's
 * physical address, x1-x3 = 0, enter at the Image's first instruction.
 * With kexec_load the kernel passes no device tree itself (dtb_mem is
 * kexec_file_load's), hence this.
 */
__asm__(
"	.pushsection .rodata.mi_purgatory, \"a\"\n"
"	.balign 8\n"
"	.globl mi_purgatory_start, mi_purgatory_end, mi_purgatory_arg, mi_purgatory_entry\n"
"mi_purgatory_start:\n"
"	ldr	x0, .Lmi_pg_arg\n"
"	mov	x1, xzr\n"
"	mov	x2, xzr\n"
"	mov	x3, xzr\n"
"	ldr	x4, .Lmi_pg_entry\n"
"	br	x4\n"
"	.balign 8\n"
"mi_purgatory_arg:\n"
".Lmi_pg_arg:\n"
"	.quad	0\n"
"mi_purgatory_entry:\n"
".Lmi_pg_entry:\n"
"	.quad	0\n"
"mi_purgatory_end:\n"
"	.popsection\n");
#else
/* No loader on this architecture (mi_kx_image_unsupported says so). */
const unsigned char mi_purgatory_start[1], mi_purgatory_end[1];
const unsigned char mi_purgatory_arg[1], mi_purgatory_entry[1];
#endif
