namespace FFActors.Core.Diagnostics;

/// <summary>
/// One layer's health at the end of an epoch, measured on a fixed diagnostic batch of positives and
/// negatives: goodness histograms (shared bin edges from <see cref="Min"/> to <see cref="Max"/>),
/// the separation at θ, and the units that never fire (dead) or always fire (saturated) on positives.
/// </summary>
/// <param name="Separation">Fraction of samples on the right side of θ (positives above, negatives below).</param>
/// <param name="DeadUnits">Fraction of units that are zero for every positive of the diagnostic batch.</param>
/// <param name="SaturatedUnits">Fraction of units that are active for every positive (a ReLU that never
/// switches off is linear: it carries no more information than its input's projection).</param>
/// <param name="Positive">Histogram counts of the positives' goodness, <c>Positive.Length</c> equal bins over [Min, Max].</param>
public sealed record LayerDiagnostics(
    int Layer,
    double Threshold,
    double MeanPositive,
    double MeanNegative,
    double Separation,
    double DeadUnits,
    double SaturatedUnits,
    double Min,
    double Max,
    long[] Positive,
    long[] Negative);
