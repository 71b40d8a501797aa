namespace Sluice.Build; internal static class Placeholder {}
