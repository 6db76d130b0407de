namespace FFActors.Core.Training;

/// <summary>Which other layers' goodness forms a layer's collaboration term γ.</summary>
public enum CollaborationMode { All, Previous, Next }
