namespace FFActors.Core.Negatives;

/// <summary>Which pixels <see cref="MaskedNegatives"/> zeroes.</summary>
public enum MaskMode
{
    /// <summary>Exactly round(f·F) pixels chosen uniformly at random.</summary>
    Pixels,
    /// <summary>One rectangle of area ≈ f·H·W at a uniform position (needs the image geometry).</summary>
    Blocks,
    /// <summary>Each row is Pixels or Blocks with probability 1/2.</summary>
    Both,
}
