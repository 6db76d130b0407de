using System.Runtime.Serialization;
using FFActors.Core.Layers;
using MessagePack;

namespace FFActors.Runtime.Serialization.Layers;

/// <summary>Wire contract of a recurrent FF layer's own part: input norm, objective, the iterations and what it hears from above.</summary>
[MessagePackObject]
public sealed record WireRecurrentSpec(
    [property: Key(0)] int InputNorm,
    [property: Key(1)] WireObjective Objective,
    [property: Key(2)] int Iterations,
    [property: Key(3)] double Damping,
    [property: Key(4)] int ScoreFrom,
    [property: Key(5)] int ScoreTo,
    [property: Key(6)] bool TopDown,
    [property: Key(7)] int Classes,
    [property: Key(8)] int TopDownWidth,
    [property: Key(9)] bool Top);

public sealed class RecurrentSpecCodec : LayerSpecCodec<RecurrentSpec, WireRecurrentSpec>
{
    public override string Kind => RecurrentSpec.Name;

    protected override WireRecurrentSpec ToWire(RecurrentSpec s)
    {
        var o = s.Options;
        return new WireRecurrentSpec((int)s.InputNorm, WireObjective.Of(s.Objective), o.Iterations, o.Damping,
            o.ScoreFrom, o.ScoreTo, o.TopDown, o.Classes, s.TopDownWidth, s.Top);
    }

    protected override RecurrentSpec FromWire(WireLayerSpec c, WireRecurrentSpec d)
    {
        if (d.Classes < 1 || c.OutputSize <= d.Classes || c.InputSize <= d.Classes || d.Iterations < 1 || !(d.Damping >= 0 && d.Damping < 1)
            || d.ScoreFrom < 1 || d.ScoreTo < d.ScoreFrom || d.ScoreTo > d.Iterations || d.TopDownWidth < 1)
            throw new SerializationException($"layer spec: recurrent layer {c.InputSize}→{c.OutputSize}, classes {d.Classes}, iterations {d.Iterations}, " +
                $"damping {d.Damping}, scored {d.ScoreFrom}..{d.ScoreTo}, top-down width {d.TopDownWidth}");
        return new RecurrentSpec(c.Index, c.InputSize, c.OutputSize, c.OptimizerOptions, c.EpochWindow, LayerSpecWire.E<InputNorm>(d.InputNorm),
            WireObjective.Read(d.Objective), new RecurrentOptions(d.Iterations, d.Damping, d.ScoreFrom, d.ScoreTo, d.TopDown, d.Classes),
            d.TopDownWidth, d.Top);
    }
}
