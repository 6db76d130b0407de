namespace FFActors.Core.Nca;

/// <summary>
/// The cell states of the ring-growing automaton and their 13 channels. State 0 is an empty cell (all channels 0); state
/// 1 + d is a living cell at ring distance d = 0..<see cref="Radius"/> from the seed: RGB = the colour of ring d mod 3,
/// alpha = 1 (alive), and 9 hidden channels holding d one-hot, the counter a local rule needs to know where growth stops
/// and which colour comes next. (A 4-bit binary code of d was tried first: FF learned 97 % of the transitions, and the
/// 3 % it missed, compounded over the growth, filled the grid.)
/// </summary>
public sealed class RingCells
{
    /// <summary>RGB, alpha, and d one-hot over the 9 rings a 10-slot overlay allows.</summary>
    public const int Channels = 4 + MaxStates - 1;

    /// <summary>Candidate next states a layer can score: the label slots of the overlay.</summary>
    public const int MaxStates = 10;

    static readonly float[][] Palette = [[0.90f, 0.25f, 0.20f], [0.95f, 0.85f, 0.30f], [0.20f, 0.45f, 0.90f]];

    public RingCells(int radius)
    {
        if (radius < 1 || radius + 2 > MaxStates) throw new ArgumentException($"nca: radius {radius} must be in [1, {MaxStates - 2}] (one state per ring and the empty state)");
        Radius = radius;
    }

    /// <summary>Rings 0..Radius around the seed (Chebyshev distance): the target is a (2·Radius + 1)² square of rings.</summary>
    public int Radius { get; }

    /// <summary>Empty plus one per ring.</summary>
    public int States => Radius + 2;

    public static bool Alive(int state) => state > 0;

    /// <summary>The ring distance of a living state.</summary>
    public static int Distance(int state) => state - 1;

    public static int Living(int distance) => distance + 1;

    /// <summary>The 8 channel values of <paramref name="state"/>.</summary>
    public static float[] Vector(int state)
    {
        var v = new float[Channels];
        if (!Alive(state)) return v;
        int d = Distance(state);
        Palette[d % 3].CopyTo(v, 0);
        v[3] = 1;
        v[4 + d] = 1;
        return v;
    }

    /// <summary>The visible colour (RGB in [0, 1]) of <paramref name="state"/>; null for an empty cell.</summary>
    public static float[]? Colour(int state) => Alive(state) ? Palette[Distance(state) % 3] : null;
}
