using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Training;
using MessagePack;

namespace FFActors.Runtime.Serialization.Layers;

/// <summary>Wire contract of a dense layer's own part: input norm, objective, peer norm, SCFF halves, kernel.</summary>
[MessagePackObject]
public sealed record WireDenseSpec(
    [property: Key(0)] int InputNorm,
    [property: Key(1)] WireObjective Objective,
    [property: Key(2)] double PeerNorm,
    [property: Key(3)] bool SharedHalves,
    [property: Key(4)] int Kernel);

public sealed class DenseSpecCodec : LayerSpecCodec<DenseSpec, WireDenseSpec>
{
    public override string Kind => DenseSpec.Name;

    protected override WireDenseSpec ToWire(DenseSpec s) =>
        new WireDenseSpec((int)s.InputNorm, WireObjective.Of(s.Objective),
            s.PeerNorm, s.SharedHalves, (int)s.Kernel);

    protected override DenseSpec FromWire(WireLayerSpec c, WireDenseSpec d) =>
        new DenseSpec(c.Index, c.InputSize, c.OutputSize, c.OptimizerOptions, c.EpochWindow, LayerSpecWire.E<InputNorm>(d.InputNorm),
            WireObjective.Read(d.Objective),
            d.PeerNorm, d.SharedHalves, LayerSpecWire.E<DenseKernel>(d.Kernel));
}
