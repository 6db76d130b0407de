namespace FFActors.Core.Data;

/// <param name="Dataset">mnist or fashion-mnist.</param>
/// <param name="Dir">Folder holding one sub-folder per dataset with the four IDX files.</param>
/// <param name="Validation">Training samples held out (from the end of the training file) for validation.</param>
/// <param name="TrainLimit">Use only the first N training samples (0 = all).</param>
/// <param name="TestLimit">Use only the first N test samples (0 = all).</param>
/// <param name="Augment">Random transforms of the training batches (null = none).</param>
public sealed record DataOptions(
    string Dataset = "mnist",
    string Dir = "samples/data",
    Normalization Normalization = Normalization.MeanStd,
    int Validation = 0,
    int TrainLimit = 0,
    int TestLimit = 0,
    AugmentOptions? Augment = null)
{
    public AugmentOptions AugmentOrDefault => Augment ?? new AugmentOptions();
}
