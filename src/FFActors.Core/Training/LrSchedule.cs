namespace FFActors.Core.Training;

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
