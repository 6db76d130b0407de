namespace FFActors.Core.Layers;

/// <summary>How a layer normalises its input before the linear map, so that only the
/// direction of the previous layer's activity vector (not its goodness) is passed on.</summary>
public enum InputNorm
{
    /// <summary>x / (‖x‖₂ + 1e-4), as in mpezeshki/pytorch_forward_forward.</summary>
    L2,
    /// <summary>x / (sqrt(mean x²) + 1e-8), as in Hinton's Matlab and loeweX.</summary>
    Rms,
    None,
}
