// CSS imports, bundled by Vite into a stylesheet the strict CSP allows (style-src 'self').
/// <reference types="vite/client" />
