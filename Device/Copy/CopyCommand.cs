namespace HmmEcs.Devices.Copy;

/// <summary>
/// One copy-engine command: a run of <see cref="Pages"/> copies whose source frames and destination
/// frames are both consecutive, placed on <see cref="Engine"/> from <see cref="StartUs"/> to
/// <see cref="EndUs"/> (model time since the submission began).
/// </summary>
/// <param name="Engine">The engine that runs it (the one free first; ties go to the lowest).</param>
/// <param name="StartUs">When the engine takes it, µs.</param>
/// <param name="EndUs">When it finishes, µs.</param>
/// <param name="FirstIndex">Index of its first copy in the submission's copy list (destination order).</param>
/// <param name="Pages">Copies in the command.</param>
/// <param name="SrcFrame">First source frame (RAM frame or device page number).</param>
/// <param name="DstFrame">First destination frame.</param>
public readonly record struct CopyCommand(int Engine, double StartUs, double EndUs, int FirstIndex, int Pages, long SrcFrame, long DstFrame);
