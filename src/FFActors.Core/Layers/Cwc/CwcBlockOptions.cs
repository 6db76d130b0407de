namespace FFActors.Core.Layers;

/// <summary>
/// One CwC-FF block: Conv3×3 (padding 1, <paramref name="Groups"/> groups) → ReLU → optional
/// MaxPool2 → BatchNorm. Its input is [B, InChannels, Height, Width] (or the same flattened).
/// </summary>
/// <param name="Classes">Channel groups of the goodness matrix (OutChannels must be divisible by it).</param>
/// <param name="HeadPool">The softmax head reads the output average-pooled to HeadPool×HeadPool per channel (0 = all of it).</param>
public sealed record CwcBlockOptions(int InChannels, int Height, int Width, int OutChannels, int Groups, bool MaxPool, int Classes, int HeadPool = 2)
{
    public int OutHeight => MaxPool ? Height / 2 : Height;
    public int OutWidth => MaxPool ? Width / 2 : Width;
    public int InputSize => InChannels * Height * Width;
    public int OutputSize => OutChannels * OutHeight * OutWidth;
}
