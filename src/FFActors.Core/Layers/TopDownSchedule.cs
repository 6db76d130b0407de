namespace FFActors.Core.Layers;

/// <summary>
/// How a kind whose layers hear the layer above runs a batch (<see cref="LayerSpec.TopDown"/>): iteration 0 is a bottom-up
/// pass, then <paramref name="Iterations"/> synchronous iterations in which every layer's state at t is computed from its
/// own, the layer below's and the layer above's states at t − 1 (Hinton's "static image as a boring video"). Training
/// learns from every iteration and updates once per batch; goodness scoring sums each layer's goodness over iterations
/// <paramref name="ScoreFrom"/> to <paramref name="ScoreTo"/>.
/// </summary>
public sealed record TopDownSchedule(int Iterations, int ScoreFrom, int ScoreTo)
{
    /// <summary>Whether iteration <paramref name="t"/> counts in goodness scoring.</summary>
    public bool Scored(int t) => t >= ScoreFrom && t <= ScoreTo;

    public void Check()
    {
        if (Iterations < 1) throw new ArgumentException($"top-down iterations: {Iterations} (at least 1)");
        if (ScoreFrom < 1 || ScoreTo < ScoreFrom || ScoreTo > Iterations)
            throw new ArgumentException($"top-down scoring iterations {ScoreFrom}..{ScoreTo}: must lie within 1..{Iterations}");
    }
}
