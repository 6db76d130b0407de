using FFActors.Core.Platform;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// A hidden layer of Hinton's recurrent FF network. Its output carries the label context in front of its state
/// (<see cref="LabelContext"/>), so the top layer finds the label it hears from above in its input:
/// <code>
/// iteration 0 (bottom-up pass):  h(0) = ReLU(W · norm(below) + b)
/// iteration t ≥ 1:               h(t) = d · h(t−1) + (1 − d) · ReLU(W · norm(below(t−1)) + V · norm(above(t−1)) + b)
/// output = [context ‖ h]
/// </code>
/// below is layer 0's image (its label slots blanked when the label comes from above) or the layer below's state; above is
/// the layer above's state, or for the top layer the label one-hot of the context. Without top-down input (the control)
/// there is no V and layer 0 reads the overlaid image as a dense FF layer does.
/// </summary>
public sealed class RecurrentModule : nn.Module<Tensor, Tensor>
{
    readonly Linear bottomUp;
    readonly Linear? topDown;

    /// <param name="inputSize">Columns of an input row: layer 0 the image, deeper layers the context and the layer below's units.</param>
    /// <param name="topDownWidth">Columns of the top-down input (the layer above's units, the classes for the top layer); 0: none.</param>
    public RecurrentModule(int inputSize, int units, int classes, bool readsImage, int topDownWidth, InputNorm inputNorm, Generator init,
        string name = "recurrent")
        : base(name)
    {
        Classes = classes;
        ReadsImage = readsImage;
        InputNorm = inputNorm;
        int bottomUpInputs = readsImage ? inputSize : inputSize - classes;
        bottomUp = nn.Linear(bottomUpInputs, units);
        if (topDownWidth > 0) topDown = nn.Linear(topDownWidth, units, hasBias: false);
        RegisterComponents();
        // nn.Linear's own distribution, U(−1/√fan_in, 1/√fan_in), from the layer's generator: bottom-up, then top-down.
        UniformInit.Fill(bottomUp.weight!, 1.0 / Math.Sqrt(bottomUpInputs), init);
        UniformInit.Fill(bottomUp.bias!, 1.0 / Math.Sqrt(bottomUpInputs), init);
        if (topDown is not null) UniformInit.Fill(topDown.weight!, 1.0 / Math.Sqrt(topDownWidth), init);
    }

    public int Classes { get; }

    public bool ReadsImage { get; }

    public InputNorm InputNorm { get; }

    /// <summary>Whether the units hear the layer above (V exists).</summary>
    public bool HearsAbove => topDown is not null;

    /// <summary>Bottom-up weights [units, inputs]: for layer 0, images of the input.</summary>
    public Tensor BottomUpWeight => bottomUp.weight!;

    /// <summary>The bottom-up part of an input row: layer 0's image (label slots blanked when the label comes from above), or the units below.</summary>
    Tensor BottomUpPart(Tensor x) => !ReadsImage ? LabelContext.After(x, Classes) : HearsAbove ? LabelContext.Blanked(x, Classes) : x;

    /// <summary>W · norm(below) + b (+ V · norm(above) when the units hear the layer above and <paramref name="above"/> is given).</summary>
    public Tensor Drive(Tensor below, Tensor? above)
    {
        var drive = bottomUp.forward(FFDenseLayer.Normalize(BottomUpPart(below), InputNorm));
        return topDown is null || above is null ? drive : drive.add(topDown.forward(FFDenseLayer.Normalize(above, InputNorm)), KeptScalars.One);
    }

    /// <summary>The bottom-up pass: [context ‖ ReLU(W · norm(below) + b)].</summary>
    public override Tensor forward(Tensor x) => LabelContext.Join(LabelContext.Of(x, Classes), nn.functional.relu(Drive(x, null)));

    /// <summary>One damped iteration: [context ‖ d · previous + (1 − d) · ReLU(drive)], <paramref name="previous"/> the units at t − 1.</summary>
    public Tensor Iterate(Tensor below, Tensor previous, Tensor? above, double damping)
    {
        var fresh = nn.functional.relu(Drive(below, above));
        var state = previous.mul(KeptScalars.Of(damping)).add(fresh.mul(KeptScalars.Of(1 - damping)), KeptScalars.One);
        return LabelContext.Join(LabelContext.Of(below, Classes), state);
    }
}
