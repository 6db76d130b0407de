namespace FFActors.Core.Training;

/// <summary>What one layer reports after one update.</summary>
/// <param name="Loss">FF loss (plus the peer-normalisation term when on).</param>
/// <param name="GoodPos">Mean goodness of positives.</param>
/// <param name="GoodNeg">Mean goodness of negatives.</param>
/// <param name="Separation">Fraction of samples on the right side of θ (positives above, negatives below).</param>
/// <param name="DeadUnits">Fraction of units that were zero for every positive of the batch.</param>
public readonly record struct LayerStepStats(double Loss, double GoodPos, double GoodNeg, double Separation, double DeadUnits);
