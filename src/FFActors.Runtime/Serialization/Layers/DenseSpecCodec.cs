using System.Runtime.Serialization;
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

public sealed class DenseSpecCodec : ILayerSpecCodec
{
    public string Kind => DenseSpec.Name;

    public byte[] Pack(LayerSpec spec, MessagePackSerializerOptions options)
    {
        var s = (DenseSpec)spec;
        return MessagePackSerializer.Serialize(new WireDenseSpec((int)s.InputNorm, WireObjective.Of(s.Objective),
            s.PeerNorm, s.SharedHalves, (int)s.Kernel), options);
    }

    public LayerSpec Unpack(WireLayerSpec c, byte[] body, MessagePackSerializerOptions options)
    {
        var d = LayerSpecWire.Read<WireDenseSpec>(body, options, Kind);
        return new DenseSpec(c.Index, c.InputSize, c.OutputSize, c.OptimizerOptions, c.EpochWindow, LayerSpecWire.E<InputNorm>(d.InputNorm),
            WireObjective.Read(d.Objective),
            d.PeerNorm, d.SharedHalves, LayerSpecWire.E<DenseKernel>(d.Kernel));
    }
}
