using System.Runtime.Serialization;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Training;
using MessagePack;

namespace FFActors.Runtime.Serialization.Layers;

/// <summary>Wire contract of a PCL-FF layer's own part: the encoder's input norm and objective, and the PCL options.</summary>
[MessagePackObject]
public sealed record WirePclSpec(
    [property: Key(0)] int InputNorm,
    [property: Key(1)] WireObjective Objective,
    [property: Key(2)] int Formulation,
    [property: Key(3)] double Alpha,
    [property: Key(4)] double Sparsity,
    [property: Key(5)] double SurpriseScale,
    [property: Key(6)] double Sharpness,
    [property: Key(7)] double ErrorMomentum);

public sealed class PclSpecCodec : ILayerSpecCodec
{
    public string Kind => PclSpec.Name;

    public byte[] Pack(LayerSpec spec, MessagePackSerializerOptions options)
    {
        var s = (PclSpec)spec;
        var p = s.Pcl;
        return MessagePackSerializer.Serialize(new WirePclSpec((int)s.InputNorm, WireObjective.Of(s.Objective),
            (int)p.Formulation, p.Alpha, p.Sparsity, p.SurpriseScale, p.Sharpness, p.ErrorMomentum), options);
    }

    public LayerSpec Unpack(WireLayerSpec c, byte[] body, MessagePackSerializerOptions options)
    {
        var d = LayerSpecWire.Read<WirePclSpec>(body, options, Kind);
        var pcl = new PclOptions(LayerSpecWire.E<PclFormulation>(d.Formulation), d.Alpha, d.Sparsity, d.SurpriseScale, d.Sharpness, d.ErrorMomentum);
        LayerSpecWire.Check(pcl.Check);
        return new PclSpec(c.Index, c.InputSize, c.OutputSize, c.OptimizerOptions, c.EpochWindow, LayerSpecWire.E<InputNorm>(d.InputNorm),
            WireObjective.Read(d.Objective), pcl);
    }
}
