// render_pages: renders every page of a PDF to PNG with poppler-cpp (a
// stand-in for `pdftoppm -png`, which is not installed here), so that
// bench/documents.sh can upload image-only pages for OCR.
//
//   render_pages IN.pdf OUTPREFIX [DPI=200]   -> OUTPREFIX-1.png, -2.png, ...
#include <poppler-document.h>
#include <poppler-image.h>
#include <poppler-page.h>
#include <poppler-page-renderer.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: render_pages IN.pdf OUTPREFIX [DPI]\n");
    return 2;
  }
  const double dpi = argc > 3 ? std::atof(argv[3]) : 200.0;
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(argv[1]));
  if (!doc) {
    std::fprintf(stderr, "render_pages: cannot open %s\n", argv[1]);
    return 1;
  }
  poppler::page_renderer r;
  r.set_render_hints(poppler::page_renderer::antialiasing | poppler::page_renderer::text_antialiasing);
  r.set_image_format(poppler::image::format_gray8);
  for (int i = 0; i < doc->pages(); ++i) {
    std::unique_ptr<poppler::page> p(doc->create_page(i));
    poppler::image img = r.render_page(p.get(), dpi, dpi);
    std::string out = std::string(argv[2]) + "-" + std::to_string(i + 1) + ".png";
    if (!img.is_valid() || !img.save(out, "png", static_cast<int>(dpi))) {
      std::fprintf(stderr, "render_pages: cannot render/save page %d\n", i + 1);
      return 1;
    }
  }
  std::printf("render_pages: %d pages at %.0f dpi\n", doc->pages(), dpi);
  return 0;
}
