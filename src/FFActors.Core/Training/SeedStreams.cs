namespace FFActors.Core.Training;

/// <summary>
/// Derives independent, reproducible seeds for each random stream of a run (layer init, data
/// order, negatives, head) from the run seed, so each stream can be owned by a different thread
/// or actor without their order of use changing the results.
/// </summary>
public static class SeedStreams
{
    public const int LayerInit = 1;
    public const int DataOrder = 2;
    public const int Negatives = 3;
    public const int Head = 4;
    public const int Diagnostics = 5;
    public const int Augment = 6;
    /// <summary>The firing order of a growing cellular automaton (FF-NCA's trajectories and grown patterns).</summary>
    public const int Growth = 7;
    /// <summary>Latents a trained generative circuit decodes into pictures (PFF's generations).</summary>
    public const int Generation = 8;

    public static long Derive(long seed, int stream, int index = 0)
    {
        // SplitMix64 finaliser over the combined inputs.
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)stream * 0xBF58476D1CE4E5B9UL + (ulong)index * 0x94D049BB133111EBUL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (long)(z & 0x7FFF_FFFF_FFFF_FFFFUL);
    }
}
