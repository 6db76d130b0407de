namespace FFActors.Core.Platform;

/// <summary>
/// When to hand freed native memory back to the OS: once the resident set has grown by <see cref="Slack"/> over its
/// level at the first reading after the last trim. A workload whose heap is stable is then never trimmed: a trim makes
/// the next steps fault every page of their working set in again (see <see cref="NativeMemory"/>).
/// </summary>
/// <remarks>Not thread-safe: <see cref="NativeMemory"/> serialises its readings.</remarks>
public sealed class HeapTrimPolicy
{
    public const long MinSlackBytes = 256L << 20;

    long reference = -1; // resident bytes at the first reading after the last trim; -1 = not measured yet

    /// <summary>Growth that triggers a trim: 256 MB or a quarter of the reference level, whichever is more.</summary>
    public static long Slack(long reference) => Math.Max(MinSlackBytes, reference / 4);

    /// <summary>Takes a reading of the resident set; true when the heap should be trimmed now.</summary>
    public bool ShouldTrim(long residentBytes)
    {
        if (reference < 0)
        {
            reference = residentBytes;
            return false;
        }
        if (residentBytes - reference < Slack(reference)) return false;
        reference = -1; // the next reading, with the working set faulted in again, is the new reference
        return true;
    }
}
