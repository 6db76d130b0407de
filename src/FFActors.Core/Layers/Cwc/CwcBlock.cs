using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// A CwC-FF block: Conv3×3 → ReLU → (MaxPool2 on CFSE blocks) → BatchNorm. BatchNorm comes last so
/// the next block sees activities whose scale (this block's goodness) has been normalised away,
/// the convolutional counterpart of a dense FF layer's input normalisation.
/// </summary>
public sealed class CwcBlock : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv;
    readonly BatchNorm2d norm;
    public CwcBlockOptions Options { get; }

    public CwcBlock(CwcBlockOptions options, Generator init, string name = "cwc_block") : base(name)
    {
        Options = options;
        conv = nn.Conv2d(options.InChannels, options.OutChannels, 3, padding: 1, groups: options.Groups);
        norm = nn.BatchNorm2d(options.OutChannels, eps: 1e-4);
        RegisterComponents();
        // From the layer's own generator (UniformInit), same distribution as Conv2d's default:
        // U(−1/√fan_in, 1/√fan_in) with fan_in = in-channels per group × 9.
        double bound = 1.0 / Math.Sqrt(options.InChannels / options.Groups * 9);
        UniformInit.Fill(conv.weight!, bound, init);
        UniformInit.Fill(conv.bias!, bound, init);
    }

    public Tensor Weight => conv.weight!;

    public override Tensor forward(Tensor x) => ForwardWithActivity(x).Output;

    /// <summary>The block's output and its activity before BatchNorm (after ReLU and pooling).</summary>
    public (Tensor Output, Tensor Activity) ForwardWithActivity(Tensor x)
    {
        var o = Options;
        var image = x.dim() == 4 ? x : x.reshape(x.shape[0], o.InChannels, o.Height, o.Width);
        var h = nn.functional.relu(conv.forward(image));
        if (o.MaxPool) h = nn.functional.max_pool2d(h, 2, 2);
        return (norm.forward(h), h);
    }

    /// <summary>Fraction of channels whose activity before BatchNorm is zero everywhere in the batch.</summary>
    public static Tensor DeadChannels(Tensor activity) =>
        activity.detach().amax([0, 2, 3]).le(Platform.KeptScalars.Of(0.0)).to(ScalarType.Float32).mean();
}
