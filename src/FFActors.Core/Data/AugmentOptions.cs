namespace FFActors.Core.Data;

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
