{
  "targets": [
    {
      "target_name": "charm4ts_ucx",
      "sources": [
        "native/ucx/addon.cc",
        "native/ucx/buffer-pool.cc",
        "native/ucx/js-array-buffer.cc",
        "native/ucx/ucx-receive.cc",
        "native/ucx/ucx-send.cc",
        "native/ucx/ucx-worker.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(pkg-config --cflags-only-I ucx 2>/dev/null | sed -e 's/-I//g')"
      ],
      "libraries": [
        "<!@(pkg-config --libs ucx 2>/dev/null || echo -lucp -luct -lucs)"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_ADDON_API_DISABLE_DEPRECATED"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O3", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
