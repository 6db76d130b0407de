namespace FFActors.Core.Evaluation;

/// <summary>
/// The one training budget of a linear probe: exactly <paramref name="Epochs"/> passes of Adam at
/// <paramref name="LearningRate"/> over mini-batches of <paramref name="BatchSize"/>. The probe is
/// taken at its last epoch; no epoch is ever selected by a score.
/// </summary>
public sealed record ProbeBudget(int Epochs = 10, double LearningRate = 0.001, int BatchSize = 100)
{
    public override string ToString() => $"{Epochs} epochs of Adam, lr {LearningRate}, batch {BatchSize}";
}
