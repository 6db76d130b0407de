namespace FFActors.Core.Data;

/// <summary>
/// Random transforms of the training images, drawn afresh for every batch of every epoch.
/// Validation, test and head-training data are never augmented.
/// </summary>
/// <param name="Shift">Translate each image by up to this many pixels in each direction (0 = off); the
/// uncovered border takes the value of a blank pixel.</param>
/// <param name="Flip">Mirror each image left-right with probability 1/2 (suits Fashion-MNIST, not digits).</param>
public sealed record AugmentOptions(int Shift = 0, bool Flip = false)
{
    public bool Enabled => Shift > 0 || Flip;
}
