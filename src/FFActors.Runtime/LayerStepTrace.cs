namespace FFActors.Runtime;

/// <summary>What one layer used and produced in one training step (copied out; for tests).</summary>
public sealed record LayerStepTrace(int Layer, int Generation, int Epoch, int Batch,
    float[]? GammaPositive, float[]? GammaNegative, float[] GoodPositive, float[] GoodNegative);
