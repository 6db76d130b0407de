namespace FFActors.Core.Data;

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
