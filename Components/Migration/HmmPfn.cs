namespace HmmEcs.Components.Migration;

/// <summary>
/// The seed's <c>hmm_pfn_t</c>: a page id shifted by <see cref="Shift"/> plus flag bits, in the v13
/// layout (VALID=0 … MIGRATE=9, UNADDRESSABLE=10, shift 11). One array carries sources in and the
/// driver's destinations out.
/// </summary>
public readonly record struct HmmPfn(ulong Value)
{
    public const ulong Valid = 1UL << 0;
    public const ulong Read = 1UL << 1;
    public const ulong Write = 1UL << 2;
    public const ulong Error = 1UL << 3;
    public const ulong Empty = 1UL << 4;
    public const ulong Fault = 1UL << 5;
    public const ulong Device = 1UL << 6;
    public const ulong Locked = 1UL << 7;
    public const ulong Special = 1UL << 8;
    public const ulong Migrate = 1UL << 9;
    public const ulong Unaddressable = 1UL << 10;
    /// <summary>Bits below the pfn.</summary>
    public const int Shift = 11;

    /// <summary>An entry for page <paramref name="pfn"/> with <paramref name="flags"/>.</summary>
    public static HmmPfn From(long pfn, ulong flags) => new(((ulong)pfn << Shift) | flags | Valid);

    /// <summary>The page id.</summary>
    public long Pfn => (long)(Value >> Shift);

    /// <summary>True when every bit of <paramref name="flag"/> is set.</summary>
    public bool Has(ulong flag) => (Value & flag) == flag;

    /// <summary>The same entry without <paramref name="flag"/>.</summary>
    public HmmPfn Without(ulong flag) => new(Value & ~flag);

    /// <summary>The same entry with <paramref name="flag"/>.</summary>
    public HmmPfn With(ulong flag) => new(Value | flag);
}
