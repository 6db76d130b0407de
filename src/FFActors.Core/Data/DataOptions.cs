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

/// <summary>How raw pixel bytes become model inputs.</summary>
public enum Normalization
{
    /// <summary>Raw byte values 0..255 as floats.</summary>
    None,
    /// <summary>Scaled to [0, 1].</summary>
    Unit,
    /// <summary>Scaled to [0, 1], then (x − mean) / std with the dataset's published statistics.</summary>
    MeanStd,
    /// <summary>Scaled to [−1, 1]: (x − 0.5) / 0.5 after [0, 1], the torchvision
    /// <c>Normalize((0.5,), (0.5,))</c> of the CwC-FF reference code's Fashion-MNIST loader.</summary>
    Symmetric,
}

/// <summary>
/// Random transforms of the training images, drawn afresh for every batch of every epoch.
/// Validation, test and head-training data are never augmented.
/// </summary>
/// <param name="Shift">Translate each image by up to this many pixels in each direction (0 = off); the
/// uncovered border takes the value of a blank pixel.</param>
/// <param name="Flip">Mirror each image left-right with probability 1/2 (suits Fashion-MNIST, not digits).</param>
/// <param name="Rotate">Rotate each image about its centre by an angle drawn uniformly from ±this many degrees (0 = off).</param>
/// <param name="Scale">Zoom each image about its centre by a factor drawn uniformly from 1 ± this (0 = off).</param>
public sealed record AugmentOptions(int Shift = 0, bool Flip = false, double Rotate = 0, double Scale = 0)
{
    public bool Enabled => Shift > 0 || Flip || Warps;

    /// <summary>Whether a rotation or zoom is drawn (bilinear resampling, after the shift and the flip).</summary>
    public bool Warps => Rotate > 0 || Scale > 0;
}
