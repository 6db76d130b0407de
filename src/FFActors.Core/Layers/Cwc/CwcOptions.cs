using FFActors.Core.Objectives;

namespace FFActors.Core.Layers;

/// <summary>
/// A CwC-FF network (Papachristodoulou et al., AAAI 2024): convolutional blocks with channel-wise
/// competition. With <paramref name="Cfse"/>, every second block (the 2nd, 4th, …) is a CFSE block:
/// grouped convolution with groups = classes and a 2×2 max-pool; the others are plain convolutions.
/// </summary>
/// <param name="Input">Image shape [channels, height, width] of a flattened input row.</param>
/// <param name="Channels">Output channels of each block (each divisible by the number of classes).</param>
/// <param name="HeadPool">The softmax head (SF) reads a block's output average-pooled to HeadPool×HeadPool
/// per channel (0 = the full flattened output).</param>
public sealed record CwcOptions(int[] Input, int[] Channels, bool Cfse = true, CwcLoss Loss = CwcLoss.CwcCe, int Classes = 10, int HeadPool = 2)
{
    public IReadOnlyList<CwcBlockOptions> Blocks()
    {
        if (Input.Length != 3 || Input.Any(d => d < 1)) throw new ArgumentException($"model.cwc.input: expected [channels, height, width], got [{string.Join(", ", Input)}]");
        if (Channels.Length == 0) throw new ArgumentException("model.cwc.channels: need at least one block");
        if (HeadPool < 0) throw new ArgumentException($"model.cwc.head-pool: {HeadPool} must be 0 (no pooling) or positive");
        var blocks = new List<CwcBlockOptions>();
        int c = Input[0], h = Input[1], w = Input[2];
        for (int i = 0; i < Channels.Length; i++)
        {
            if (Channels[i] < Classes || Channels[i] % Classes != 0)
                throw new ArgumentException($"model.cwc.channels: {Channels[i]} (block {i}) is not a positive multiple of the {Classes} classes");
            bool cfse = Cfse && i % 2 == 1;
            int groups = cfse ? Classes : 1;
            if (c % groups != 0) throw new ArgumentException($"model.cwc.channels: block {i} is grouped by {groups} but gets {c} input channels");
            var b = new CwcBlockOptions(c, h, w, Channels[i], groups, MaxPool: cfse, Classes, HeadPool);
            blocks.Add(b);
            (c, h, w) = (b.OutChannels, b.OutHeight, b.OutWidth);
        }
        return blocks;
    }
}

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
