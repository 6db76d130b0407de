using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>A Distance-Forward layer: a dense FF layer with one learnable centre per class (<see cref="DistanceModule"/>).</summary>
public sealed record DistanceSpec(int Index, int InputSize, int OutputSize, OptimizerOptions Optimizer, EpochWindow? Window,
    InputNorm InputNorm, DistanceOptions Distance)
    : LayerSpec(Index, InputSize, OutputSize, Optimizer, Window)
{
    public const string Name = "distance";

    public override string Kind => Name;

    public override bool LabelDriven => true;

    public override IFFLayer Create(long seed, Device device) => new DistanceLayer(this, seed, device);

    public override nn.Module<Tensor, Tensor> CreateModule(Generator init, string name) =>
        new DistanceModule(InputSize, OutputSize, InputNorm, Distance, init, name);
}

/// <summary>Distance-Forward: class goodness is the negative distance to each centre, trained with the N-pair margin loss.</summary>
public sealed class DistanceLayer(DistanceSpec spec, long seed, Device device) : LabelDrivenLayer(spec, seed, device)
{
    public new DistanceSpec Spec { get; } = spec;

    public override Tensor? InputWeights => ((DistanceModule)Module).Dense.Weight;

    public override Tensor Score(Tensor h) => ((DistanceModule)Module).ClassScores(h);

    public override Tensor Features(Tensor h) => FFDenseLayer.Normalize(h, Spec.InputNorm == InputNorm.None ? InputNorm.L2 : Spec.InputNorm);

    protected override Tensor LabelLoss(Tensor scores, Tensor labels) => DistanceModule.MarginLoss(scores, labels, Spec.Distance.Margin);
}
