/// The release this build is, shown by `bitaqa --version`, in the startup summary and in `User-Agent`.
public enum BitaqaVersion {
    public static let current = "0.9.0"
}
