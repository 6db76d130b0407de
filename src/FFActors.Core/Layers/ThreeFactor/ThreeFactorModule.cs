using FFActors.Core.Platform;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// A three-factor FF layer's parts: a dense FF layer (normalised input → linear → ReLU), its modulation scale ρ, and in the
/// top layer a softmax readout of its activity (and a critic predicting the readout's reward) when the modulation needs
/// them. Every learned part of the modulation lives here, so checkpoints and replicas carry it.
/// </summary>
public sealed class ThreeFactorModule : nn.Module<Tensor, Tensor>
{
    readonly FFDenseLayer dense;
    readonly Parameter scale;
    readonly Linear? readout;
    readonly Linear? critic;
    readonly Tensor expectedReward;

    public ThreeFactorModule(int inputSize, int outputSize, InputNorm inputNorm, ThreeFactorOptions options, bool top, Generator init, string name = "three_factor")
        : base(name)
    {
        Options = options;
        // The dense part draws first, so its initial weights equal a dense layer's from the same seed.
        dense = new FFDenseLayer(inputSize, outputSize, inputNorm, init, name + "_dense");
        // Corrected: s = tanh(ρ), ρ₀ = atanh(s₀); seed: s = ρ.
        double rho = options.Formulation == ModulationFormulation.Corrected ? Math.Atanh(options.InitialScale) : options.InitialScale;
        scale = new Parameter(full([1], KeptScalars.Of(rho)));
        if (top && options.HasReadout)
        {
            double bound = 1.0 / Math.Sqrt(outputSize);
            readout = nn.Linear(outputSize, options.Classes);
            UniformInit.Fill(readout.weight!, bound, init);
            UniformInit.Fill(readout.bias!, bound, init);
            if (options.HasCritic)
            {
                critic = nn.Linear(outputSize, 1);
                UniformInit.Fill(critic.weight!, bound, init);
                UniformInit.Fill(critic.bias!, bound, init);
            }
        }
        // The seed's running expected reward starts at 0.5, as there (a tensor field: RegisterComponents makes it a buffer).
        expectedReward = full([1], KeptScalars.Of(0.5));
        RegisterComponents();
    }

    public ThreeFactorOptions Options { get; }

    public FFDenseLayer Dense => dense;

    /// <summary>s: tanh(ρ) in the corrected formulation, ρ itself in the seed's ([1], in the graph).</summary>
    public Tensor Scale => Options.Formulation == ModulationFormulation.Corrected ? scale.tanh() : scale.alias();

    /// <summary>The softmax readout of the top layer (null elsewhere, or when the modulation needs none).</summary>
    public Linear? Readout => readout;

    /// <summary>The critic of the corrected reward prediction: a logit of "the readout is right".</summary>
    public Linear? Critic => critic;

    /// <summary>The seed's running expected reward E ([1], a buffer: checkpoints keep it).</summary>
    public Tensor ExpectedReward => expectedReward;

    public override Tensor forward(Tensor x) => dense.forward(x);
}
