namespace FFActors.Core.Training;

public sealed record OptimizerOptions(
    OptimizerKind Kind = OptimizerKind.Adam,
    double LearningRate = 0.001,
    double Momentum = 0.9,
    double WeightDecay = 0,
    LrSchedule Schedule = LrSchedule.Constant,
    double DecayStart = 0.5)
{
    /// <summary>
    /// Learning rate for 0-based <paramref name="epoch"/> of <paramref name="epochs"/>; with a
    /// <paramref name="window"/> the schedule runs over the window's epochs instead, and outside it
    /// (the layer is frozen) the rate is 0.
    /// </summary>
    public double LearningRateAt(int epoch, int epochs, EpochWindow? window = null)
    {
        if (window is { } w)
        {
            if (!w.Contains(epoch)) return 0;
            epoch -= w.Start;
            epochs = w.End - w.Start;
        }
        if (Schedule == LrSchedule.Constant || epochs <= 1) return LearningRate;
        double progress = (double)epoch / epochs;
        if (progress < DecayStart) return LearningRate;
        return LearningRate * Math.Max(0, (1 - progress) / (1 - DecayStart));
    }
}

public enum OptimizerKind { Adam, Sgd }

/// <summary>
/// How the learning rate moves over the epochs in which a layer learns: all epochs of the run, or
/// the layer's ILT window when it has one (so a block frozen early has annealed by then).
/// </summary>
public enum LrSchedule
{
    Constant,
    /// <summary>Hinton's recipe: constant until <c>DecayStart</c> of the epochs, then linear to 0.</summary>
    Linear,
}
