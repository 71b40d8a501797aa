namespace Sluice.Build.Ci;

/// <summary>
/// The actions generated workflows use, on current majors (Node 24: Node 20 actions were removed from runners in
/// September 2026), pinned by full commit SHA with the tag in a comment, since a tag can be moved. Where each SHA was
/// read (public workflows and pin tables that state SHA and tag; GitHub itself was not reachable when they were
/// recorded; confirm with <c>git ls-remote https://github.com/actions/NAME refs/tags/TAG</c> when bumping):
/// - checkout v6.0.1: zizmor's <c>--fix</c> test fixture and csm-actions/securefix-action's docs
///   (<c>actions/checkout@8e8c483… # v6.0.1</c>);
/// - setup-dotnet v5.0.0: pin tables in several public repositories (<c>actions/setup-dotnet | v5.0.0 | d4c9434…</c>);
/// - cache v5.0.2: a Nix CI definition's pinned action list (<c>actions/cache@8b402f5… # v5.0.2</c>);
/// - upload-artifact v6.0.0 and download-artifact v6.0.0: github/gh-aw's pinned workflows and an AGPL repository's
///   SHA pin table (<c>upload-artifact@b7c566a… # v6.0.0</c>, <c>download-artifact@018cc2c… # v6.0.0</c>).
/// </summary>
internal static class GitHubActionPins
{
    public const string Checkout = "actions/checkout@8e8c483db84b4bee98b60c0593521ed34d9990e8";
    public const string CheckoutTag = "v6.0.1";
    public const string SetupDotnet = "actions/setup-dotnet@d4c94342e560b34958eacfc5d055d21461ed1c5d";
    public const string SetupDotnetTag = "v5.0.0";
    public const string Cache = "actions/cache@8b402f58fbc84540c8b491a91e594a4576fec3d7";
    public const string CacheTag = "v5.0.2";
    public const string UploadArtifact = "actions/upload-artifact@b7c566a772e6b6bfb58ed0dc250532a479d7789f";
    public const string UploadArtifactTag = "v6.0.0";
    public const string DownloadArtifact = "actions/download-artifact@018cc2cf5baa6db3ef3c5f8a56943fffe632ef53";
    public const string DownloadArtifactTag = "v6.0.0";
}
