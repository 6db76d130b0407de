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

public sealed class PclSpecCodec : LayerSpecCodec<PclSpec, WirePclSpec>
{
    public override string Kind => PclSpec.Name;

    protected override WirePclSpec ToWire(PclSpec s)
    {
        var p = s.Pcl;
        return new WirePclSpec((int)s.InputNorm, WireObjective.Of(s.Objective),
            (int)p.Formulation, p.Alpha, p.Sparsity, p.SurpriseScale, p.Sharpness, p.ErrorMomentum);
    }

    protected override PclSpec FromWire(WireLayerSpec c, WirePclSpec d)
    {
        var pcl = new PclOptions(LayerSpecWire.E<PclFormulation>(d.Formulation), d.Alpha, d.Sparsity, d.SurpriseScale, d.Sharpness, d.ErrorMomentum);
        LayerSpecWire.Check(pcl.Check);
        return new PclSpec(c.Index, c.InputSize, c.OutputSize, c.OptimizerOptions, c.EpochWindow, LayerSpecWire.E<InputNorm>(d.InputNorm),
            WireObjective.Read(d.Objective), pcl);
    }
}
