//! Build script of the engine: lists the rule files under `src/rules/`, so adding a rule is adding its file.
//!
//! Each rule lives in one file (`src/rules/<name>.rs`, named after its key in `expect.toml`);
//! this writes the module declarations and the `rules!` registry from the folder itself, so
//! no hand-kept list can forget a rule. std only, to keep the engine's cold build short.

use std::path::PathBuf;

fn main() {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = PathBuf::from(manifest).join("src/rules");
    // A directory is scanned for any change, so a new or removed rule file reruns this.
    println!("cargo::rerun-if-changed=src/rules");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("src/rules is readable")
        .flatten()
        .filter_map(|entry| {
            let file = entry.file_name().into_string().ok()?;
            let stem = file.strip_suffix(".rs")?;
            (stem != "mod").then(|| stem.to_owned())
        })
        .collect();
    names.sort();
    let mut out = String::new();
    for name in &names {
        let path = dir.join(format!("{name}.rs"));
        out += &format!(
            "#[path = {:?}]\npub mod {name};\n",
            path.display().to_string()
        );
    }
    out += "rules! {\n";
    for name in &names {
        out += &format!("    {name},\n");
    }
    out += "}\n";
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out_dir.join("rules.rs"), out).expect("OUT_DIR is writable");
}
