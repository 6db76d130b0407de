using FFActors.Core.Platform;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// A PCL-FF layer's parts: the encoder (a dense FF layer: normalised input → linear → ReLU), the predictor (linear, back to
/// the input's width) and, for the corrected gate, the running mean error ē (a buffer: checkpoints keep it).
/// <see cref="forward"/> is what the layer transmits (<see cref="Pass"/>).
/// </summary>
public sealed class PclModule : nn.Module<Tensor, Tensor>
{
    readonly FFDenseLayer encoder;
    readonly Linear predictor;
    readonly Tensor meanError;

    public PclModule(int inputSize, int outputSize, InputNorm inputNorm, PclOptions options, Generator init, string name = "pcl")
        : base(name)
    {
        Options = options;
        InputNorm = inputNorm;
        // The encoder draws first, so its initial weights equal a dense layer's from the same seed.
        encoder = new FFDenseLayer(inputSize, outputSize, inputNorm, init, name + "_encoder");
        predictor = nn.Linear(outputSize, inputSize);
        double bound = 1.0 / Math.Sqrt(outputSize);
        UniformInit.Fill(predictor.weight!, bound, init);
        UniformInit.Fill(predictor.bias!, bound, init);
        // A fresh predictor misses about all of the input: e ≈ 1.
        meanError = full([1], KeptScalars.Of(1.0));
        RegisterComponents();
    }

    public PclOptions Options { get; }

    public InputNorm InputNorm { get; }

    public FFDenseLayer Encoder => encoder;

    public Linear Predictor => predictor;

    /// <summary>ē, the running mean of the positives' relative error (corrected gate).</summary>
    public Tensor MeanError => meanError;

    public override Tensor forward(Tensor x) => Pass(x).Output;

    /// <summary>One pass: the encoder's activity, the normalised input x̂ and its prediction x̃, the per-sample error e
    /// (the formulation's), the surprise gate [B] and the transmitted activity (seed: activity · gate; corrected: the activity).</summary>
    public PclPass Pass(Tensor x)
    {
        var h = encoder.forward(x);
        var target = FFDenseLayer.Normalize(x, InputNorm);
        // Corrected: the predictor reads the activity's direction, detached: reconstruction trains the predictor and the FF
        // loss the encoder (the seed lets the reconstruction pull the encoder too), and the predictor's input keeps one scale
        // however the encoder's activity grows (raw activities of mean square θ made Adam's steps overshoot the
        // unit-norm target).
        var prediction = predictor.forward(Options.Formulation == PclFormulation.Seed ? h : FFDenseLayer.Normalize(h.detach(), InputNorm.L2));
        var miss = prediction.sub(target).Squared();
        Tensor error, gate;
        if (Options.Formulation == PclFormulation.Seed)
        {
            error = miss.mean([1]);
            var surprise = error.mul(KeptScalars.Of(10.0)).sub(KeptScalars.Of(5.0)).sigmoid();
            gate = surprise.neg().add(KeptScalars.One, KeptScalars.One).mul(KeptScalars.Of(-Options.SurpriseScale)).add(KeptScalars.One, KeptScalars.One);
        }
        else
        {
            error = miss.sum([1]).div(target.Squared().sum([1]).add(KeptScalars.Of(1e-8), KeptScalars.One));
            using var _ = no_grad();
            gate = error.div(meanError).sub(KeptScalars.One).mul(KeptScalars.Of(Options.Sharpness)).sigmoid().mul(KeptScalars.Of(2.0));
        }
        // The seed scales the activity it passes on by the surprise. The corrected formulation passes the activity on as it
        // is: a per-sample factor would be divided out by the next layer's input normalisation; its surprise weighs the
        // sample's FF loss instead (PclLayer).
        return new PclPass(h, target, prediction, error, gate, Options.Formulation == PclFormulation.Seed ? h.mul(gate.unsqueeze(1)) : h);
    }
}

/// <summary>What one pass of a PCL-FF layer computed (see <see cref="PclModule.Pass"/>).</summary>
public sealed record PclPass(Tensor Activity, Tensor Target, Tensor Prediction, Tensor Error, Tensor Gate, Tensor Output);
