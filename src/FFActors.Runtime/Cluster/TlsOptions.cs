namespace FFActors.Runtime.Cluster;

/// <summary>TLS for the remote transport.</summary>
/// <param name="CertificatePath">PKCS#12 file with this node's certificate and private key.</param>
/// <param name="TrustedThumbprints">SHA-1 thumbprints of the peer certificates accepted; empty = only this node's own certificate (one certificate shared by the cluster).</param>
public sealed record TlsOptions(bool Enabled = false, string CertificatePath = "", string CertificatePassword = "", IReadOnlyList<string>? TrustedThumbprints = null);
