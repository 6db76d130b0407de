using static TorchSharp.torch;

namespace FFActors.Runtime.Protocol;

// The evaluator and the softmax head actor: features in batch order, then fit and report the test accuracy.

/// <summary>One batch of head features [B, ΣH] (of the training split, or of the test split when <paramref name="Test"/>), in batch order.</summary>
public sealed record HeadFeatures(Stamp Stamp, bool Test, Tensor Features) : IWireMessage, IDisposable
{
    public void Dispose() => Features.Dispose();
}

/// <summary>All features sent: train the head on the training features, score the test features.</summary>
public sealed record FitHead(Stamp Stamp) : IWireMessage;

public sealed record HeadAccuracy(Stamp Stamp, double Accuracy) : IWireMessage;
