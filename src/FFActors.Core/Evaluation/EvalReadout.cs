namespace FFActors.Core.Evaluation;

/// <summary>How a trained network is evaluated (<c>eval.readout</c>).</summary>
public enum EvalReadout
{
    /// <summary><see cref="Label"/> for labelled negative strategies, <see cref="Probe"/> for label-free ones.</summary>
    Auto,
    /// <summary>Goodness scoring (one pass per label) and the softmax head.</summary>
    Label,
    /// <summary>Only the linear probe: the softmax head on frozen features of unlabelled inputs.
    /// Label-free networks never saw a label, so label goodness means nothing for them.</summary>
    Probe,
}
