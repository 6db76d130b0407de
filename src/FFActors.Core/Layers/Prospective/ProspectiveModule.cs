using FFActors.Core.Platform;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// A dense FF layer that carries the label context (<see cref="LabelContext"/>) and holds a fixed feedback projection
/// of it. Layer 0 reads the whole overlaid image, as a dense FF layer does; deeper layers read the activities after the
/// context. h = ReLU(W · norm(input) + b), output = [c ‖ h].
/// </summary>
public sealed class ProspectiveModule : nn.Module<Tensor, Tensor>
{
    readonly Linear linear;
    readonly Tensor feedback;

    /// <param name="feedbackGain">Length of each column of the feedback projection F [units, classes]: the columns are
    /// orthonormal, then scaled, so label k pushes the units along its own direction F·e_k of this length.</param>
    public ProspectiveModule(int inputSize, int units, int classes, bool readsImage, InputNorm inputNorm, double feedbackGain, Generator init,
        string name = "prospective")
        : base(name)
    {
        Classes = classes;
        ReadsImage = readsImage;
        InputNorm = inputNorm;
        int inputs = readsImage ? inputSize : inputSize - classes;
        linear = nn.Linear(inputs, units);
        // F is a buffer: it is part of the layer (checkpointed, the same on every node from the layer's seed) but no
        // optimizer sees it. The seed's feedback projections were never trained either (their targets were detached).
        feedback = FeedbackProjection(units, classes, feedbackGain, init);
        RegisterComponents();
        double bound = 1.0 / Math.Sqrt(inputs);
        UniformInit.Fill(linear.weight!, bound, init);
        UniformInit.Fill(linear.bias!, bound, init);
    }

    public int Classes { get; }

    public bool ReadsImage { get; }

    public InputNorm InputNorm { get; }

    public Tensor Weight => linear.weight!;

    public Tensor Bias => linear.bias!;

    /// <summary>F [units, classes]: the push of each label on the units.</summary>
    public Tensor Feedback => feedback;

    public override Tensor forward(Tensor x)
    {
        var context = LabelContext.Of(x, Classes);
        var input = ReadsImage ? x : LabelContext.After(x, Classes);
        return LabelContext.Join(context, nn.functional.relu(linear.forward(FFDenseLayer.Normalize(input, InputNorm))));
    }

    /// <summary>
    /// Orthonormal columns (the Q of a Gaussian matrix; normalised columns when there are fewer units than classes),
    /// each scaled to <paramref name="gain"/>. The seed's hint for its top layer went through an orthogonal label
    /// projection (gain 0.5) and an orthogonal feedback map (gain 0.1): orthonormal columns of length 0.05.
    /// </summary>
    static Tensor FeedbackProjection(int units, int classes, double gain, Generator init)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var g = randn([units, classes], generator: init);
        var q = units >= classes ? linalg.qr(g).Q : g.mul(g.pow(KeptScalars.Of(2L)).sum([0], keepdim: true).rsqrt());
        return q.mul(KeptScalars.Of(gain)).contiguous().MoveToOuterDisposeScope();
    }
}
