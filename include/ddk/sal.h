/* SAL annotations: documentation for MSVC's analyser, no meaning to GCC or Clang.
 * Every annotation a driver may write expands to nothing. */
#ifndef NDISHOST_DDK_SAL_H
#define NDISHOST_DDK_SAL_H

#define _In_
#define _In_opt_
#define _In_z_
#define _In_reads_(n)
#define _In_reads_bytes_(n)
#define _In_reads_opt_(n)
#define _In_reads_bytes_opt_(n)
/* SAL 1 forms still found in older trees. */
#define _In_count_(n)
#define _In_opt_count_(n)
#define _In_bytecount_(n)
#define _In_opt_bytecount_(n)
#define _Out_cap_(n)
#define _Out_opt_cap_(n)
#define _Out_bytecap_(n)
#define _Out_opt_bytecap_(n)
#define _Inout_count_(n)
#define _Inout_bytecount_(n)
#define _Inout_cap_(n)
#define _Inout_bytecap_(n)
#define _Out_z_cap_(n)
#define _Deref_out_z_
#define _Inout_
#define _Inout_opt_
#define _Inout_updates_(n)
#define _Inout_updates_bytes_(n)
#define _Inout_updates_to_(n, c)
#define _Inout_updates_bytes_to_(n, c)
#define _Out_
#define _Out_opt_
#define _Out_writes_(n)
#define _Out_writes_bytes_(n)
#define _Out_writes_bytes_opt_(n)
#define _Out_writes_to_(n, c)
#define _Out_writes_bytes_to_(n, c)
#define _Outptr_
#define _Outptr_opt_
#define _Outptr_result_maybenull_
#define _Outptr_result_buffer_(n)
#define _Outptr_result_bytebuffer_(n)
#define _Outptr_result_bytebuffer_to_(n, c)
#define _Ret_maybenull_
#define _Ret_notnull_
#define _Ret_range_(a, b)
#define _Must_inspect_result_
#define _Check_return_
#define _Success_(e)
#define _Return_type_success_(e)
#define _Field_size_(n)
#define _Field_size_bytes_(n)
#define _Field_size_opt_(n)
#define _Field_size_bytes_opt_(n)
#define _Field_size_part_(n, c)
#define _Field_size_bytes_part_(n, c)
#define _Field_range_(a, b)
#define _Struct_size_bytes_(n)
#define _Pre_
#define _Post_
#define _Pre_satisfies_(e)
#define _Post_satisfies_(e)
#define _Pre_notnull_
#define _Post_invalid_
#define _Post_ptr_invalid_
#define _Notnull_
#define _Null_terminated_
#define _NullNull_terminated_
#define _Printf_format_string_
#define _Analysis_assume_(e)
#define _Analysis_mode_(m)
#define _Use_decl_annotations_
#define _When_(c, a)
#define _At_(t, a)
#define _At_buffer_(t, i, n, a)
#define _Function_class_(n)
#define _Requires_lock_held_(l)
#define _Requires_lock_not_held_(l)
#define _Acquires_lock_(l)
#define _Releases_lock_(l)
#define _Acquires_exclusive_lock_(l)
#define _Acquires_shared_lock_(l)
#define _Releases_exclusive_lock_(l)
#define _Releases_shared_lock_(l)
#define _Guarded_by_(l)
#define _Interlocked_
#define _Interlocked_operand_
#define _Kernel_requires_resource_held_(r)
#define _Kernel_requires_resource_not_held_(r)
#define _Kernel_acquires_resource_(r)
#define _Kernel_releases_resource_(r)
#define _Kernel_float_saved_
#define _Kernel_float_restored_
#define _Kernel_clear_do_init_(y)
#define _IRQL_requires_(i)
#define _IRQL_requires_max_(i)
#define _IRQL_requires_min_(i)
#define _IRQL_requires_same_
#define _IRQL_raises_(i)
#define _IRQL_saves_
#define _IRQL_restores_
#define _IRQL_saves_global_(k, o)
#define _IRQL_restores_global_(k, o)
#define _IRQL_always_function_max_(i)
#define _IRQL_always_function_min_(i)
#define _IRQL_uses_cancel_
#define _IRQL_is_cancel_
#define _Dispatch_type_(t)
#define _Strict_type_match_
#define _Points_to_data_
#define _Literal_
#define _Frees_ptr_
#define _Frees_ptr_opt_
#define _Post_writable_byte_size_(n)
#define _Post_maybenull_
#define _Writable_bytes_(n)
#define _Readable_bytes_(n)
#define _Maybenull_
#define _Reserved_
#define _Const_
#define _Deref_out_range_(a, b)
#define _Deref_in_range_(a, b)
#define _In_range_(a, b)
#define _Out_range_(a, b)
#define _Inout_z_
#define _Out_z_cap_(n)
#define _Post_z_
#define _Printf_format_string_params_(n)
#define _Pre_defensive_
#define __drv_aliasesMem
#define __drv_allocatesMem(k)
#define __drv_freesMem(k)
#define __drv_maxIRQL(i)
#define __drv_minIRQL(i)
#define __drv_requiresIRQL(i)
#define __drv_setsIRQL(i)
#define __drv_savesIRQL
#define __drv_restoresIRQL
#define __drv_raisesIRQL(i)
#define __drv_savesIRQLGlobal(k, o)
#define __drv_restoresIRQLGlobal(k, o)
#define __drv_at(e, a)
#define __drv_when(c, a)
#define __drv_strictTypeMatch(m)
#define __drv_dispatchType(t)
#define __drv_sameIRQL
#define __drv_functionClass(n)
#define __drv_isObjectPointer
#define __drv_arg(e, a)
#define __drv_inTry
#define __drv_valueIs(v)
#define __in
#define __in_opt
#define __out
#define __out_opt
#define __inout
#define __inout_opt
#define __in_bcount(n)
#define __out_bcount(n)
#define __in_ecount(n)
#define __out_ecount(n)
#define __deref_out
#define __checkReturn

/* __fallthrough marks an intended fall-through into the next case label. GCC and Clang have the
 * same statement attribute (it keeps -Wimplicit-fallthrough quiet, as the annotation keeps
 * MSVC's analyser quiet); the driver's own ';' completes the statement. */
#if defined(__GNUC__) && (__GNUC__ >= 7 || defined(__clang__))
#define __fallthrough __attribute__((__fallthrough__))
#else
#define __fallthrough
#endif

#endif
