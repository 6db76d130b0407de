namespace FFActors.Core.Training;

/// <summary>Means of a layer's step statistics over one epoch.</summary>
public sealed record LayerEpochStats(int Layer, double Loss, double GoodPos, double GoodNeg, double Separation, double DeadUnits, double LearningRate);
