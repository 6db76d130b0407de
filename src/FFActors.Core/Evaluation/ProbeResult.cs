namespace FFActors.Core.Evaluation;

/// <param name="ValidationAccuracy">Accuracy on the validation split after the last epoch.</param>
/// <param name="TestAccuracy">Accuracy on the test split after the last epoch (the reported number).</param>
/// <param name="ValidationCurve">Validation accuracy after each epoch: reported, never used to pick an epoch.</param>
/// <param name="Features">Width of the probed feature vector.</param>
public sealed record ProbeResult(double ValidationAccuracy, double TestAccuracy, double[] ValidationCurve, int Features, ProbeBudget Budget);
