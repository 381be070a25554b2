namespace HmmEcs.Components.Memory;

/// <summary>
/// The protection of one page of a named VMA: the kernel VMA (<c>vm_area_struct</c>) it lies in, or none. Ordered so
/// that "at least <c>Read</c>" is a comparison: a partial munmap or mprotect splits the kernel's VMA, and the
/// simulator keeps the split as a per-page protection of the one named mapping.
/// </summary>
public enum PageProt : byte
{
    /// <summary>Not mapped: a partial munmap (or mremap) took the page out of every VMA; an access is SIGSEGV.</summary>
    Unmapped,
    /// <summary><c>PROT_NONE</c>: mapped, no access.</summary>
    None,
    /// <summary><c>PROT_READ</c>.</summary>
    Read,
    /// <summary><c>PROT_READ | PROT_WRITE</c>.</summary>
    ReadWrite,
}
