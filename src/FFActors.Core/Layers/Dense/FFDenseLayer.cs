using FFActors.Core.Platform;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// One dense Forward-Forward layer: h = ReLU(W · norm(x) + b). Normalising the input removes the
/// previous layer's goodness (its squared length) so this layer must find new evidence.
/// </summary>
public sealed class FFDenseLayer : nn.Module<Tensor, Tensor>
{
    readonly Linear linear;
    public InputNorm InputNorm { get; }
    public int InputSize { get; }
    public int OutputSize { get; }

    public FFDenseLayer(int inputSize, int outputSize, InputNorm inputNorm, Generator init, string name = "ff_dense", bool sharedHalves = false)
        : base(name)
    {
        SharedHalves = sharedHalves;
        InputSize = inputSize;
        OutputSize = outputSize;
        InputNorm = inputNorm;
        linear = nn.Linear(inputSize, outputSize);
        RegisterComponents();
        // Same distribution as nn.Linear's default, U(−1/√fan_in, 1/√fan_in), from the layer's own generator.
        double bound = 1.0 / Math.Sqrt(inputSize);
        UniformInit.Fill(linear.weight!, bound, init);
        UniformInit.Fill(linear.bias!, bound, init);
    }

    /// <summary>
    /// SCFF (Chen et al. 2025): the input is a pair [a ‖ b] of two <see cref="InputSize"/>-wide halves and
    /// one weight matrix W serves both, i.e. the layer is a 2F-wide layer with W₁ = W₂:
    /// h = ReLU(W·(â + b̂) + bias), where [â ‖ b̂] = norm([a ‖ b]). A single F-wide input x is read as
    /// the positive pair [x ‖ x] (how SCFF evaluates one image).
    /// </summary>
    public bool SharedHalves { get; }

    public Tensor Weight => linear.weight!;
    public Tensor Bias => linear.bias!;

    /// <summary>
    /// h = ReLU(r ⊙ (u·Wᵀ) + b) with x̂ = r ⊙ u (<see cref="LinearInputParts"/>): the matmul reads the input as it is and
    /// the row scale comes after it, the same order as the training step (<see cref="Training.DenseStep"/>).
    /// </summary>
    public override Tensor forward(Tensor x)
    {
        var (u, r) = LinearInputParts(x);
        if (r is null) return nn.functional.relu(linear.forward(u));
        return nn.functional.relu(nn.functional.linear(u, Weight).mul(r.unsqueeze(1)).add(Bias, KeptScalars.One));
    }

    /// <summary>
    /// What the linear map reads for input x, x̂ = norm(x) or for SCFF the sum of the normalised halves â + b̂, as
    /// x̂ = r ⊙ u, with u the rows the matmul reads and r one scale per row (null: none). Since a row's norm is a
    /// scalar, r·(u·Wᵀ) = (r ⊙ u)·Wᵀ: scaling after the matmul spares the step a pass that writes x̂. For SCFF,
    /// â + b̂ = (a + b) / ‖[a ‖ b]‖, so u = a + b and r = 1 / ‖[a ‖ b]‖.
    /// </summary>
    public (Tensor Rows, Tensor? Scale) LinearInputParts(Tensor x)
    {
        if (!SharedHalves) return Parts(x, InputNorm);
        var pair = x.shape[1] == InputSize ? cat([x, x], 1) : x;
        if (pair.shape[1] != 2L * InputSize)
            throw new ArgumentException($"{GetName()}: expected [B, {InputSize}] or pairs [B, {2 * InputSize}], got [{string.Join(", ", x.shape)}]");
        var (rows, scale) = Parts(pair, InputNorm);
        return (rows.narrow(1, 0, InputSize).add(rows.narrow(1, InputSize, InputSize), KeptScalars.One), scale);
    }

    /// <summary>What a readout (softmax head, probe) reads of a dense layer's activities h: h with its length (the goodness)
    /// removed as the next layer removes it, by the layer's own input normalisation (L2 when it has none), but never
    /// centred: the row mean would turn the mostly zero ReLU activities into dense rows, and the head's feature store
    /// (<see cref="Evaluation.FeatureRows"/>) keeps a split's features compact only while they are sparse. A linear head
    /// can subtract the mean itself.</summary>
    public static Tensor Readout(Tensor h, InputNorm norm) => Normalize(h, norm switch
    {
        InputNorm.None => InputNorm.L2,
        InputNorm.Centred => InputNorm.Rms,
        _ => norm,
    });

    /// <summary>norm(x) = r ⊙ u (<see cref="Parts"/>).</summary>
    public static Tensor Normalize(Tensor x, InputNorm norm) => Parts(x, norm) is (var u, { } r) ? u.mul(r.unsqueeze(1)) : x.alias();

    /// <summary>
    /// norm(x) as x̂ = r ⊙ u: the rows u (x itself, or x less its row mean for <see cref="InputNorm.Centred"/>) and the
    /// per-row factor r [B] (null for <see cref="InputNorm.None"/>).
    /// </summary>
    public static (Tensor Rows, Tensor? Scale) Parts(Tensor x, InputNorm norm)
    {
        if (norm == InputNorm.None) return (x, null);
        var u = norm == InputNorm.Centred ? x.add(x.mean([1], keepdim: true), KeptScalars.Of(-1.0)) : x;
        var r = norm == InputNorm.L2
            ? u.RowNorms().add(KeptScalars.Of(1e-4), KeptScalars.One).reciprocal()
            : u.RowNorms().mul(KeptScalars.Of(1 / Math.Sqrt(u.shape[1]))).add(KeptScalars.Of(1e-8), KeptScalars.One).reciprocal();
        return (u, r);
    }
}

/// <summary>How a layer normalises its input before the linear map, so that only the
/// direction of the previous layer's activity vector (not its goodness) is passed on.</summary>
public enum InputNorm
{
    /// <summary>x / (‖x‖₂ + 1e-4), as in mpezeshki/pytorch_forward_forward.</summary>
    L2,
    /// <summary>x / (sqrt(mean x²) + 1e-8), as in Hinton's Matlab and loeweX.</summary>
    Rms,
    None,
    /// <summary>
    /// (x − mean x) / (rms(x − mean x) + 1e-8): the RMS norm of the input less its row mean. A layer above a ReLU layer
    /// otherwise reads inputs that are never negative, on which an update that moves all of a unit's weights the same way
    /// (Adam's early steps do) can leave the unit off for every input, for good.
    /// </summary>
    Centred,
}
