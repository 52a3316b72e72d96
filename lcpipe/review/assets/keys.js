// Keyboard shortcuts of the lcpipe review app: 1-4 score, a class button's data-key sets the class,
// j / ArrowRight next, k / ArrowLeft previous, Escape back to the queue. Ignored while typing in a field.
document.addEventListener("keydown", function (event) {
  const target = event.target;
  const typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable);
  if (typing || event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  const view = document.getElementById("candidate-view");
  if (!view || view.style.display === "none") {
    return;
  }
  const click = function (element) {
    if (element) {
      element.click();
      event.preventDefault();
    }
  };
  const key = event.key;
  if (["1", "2", "3", "4"].includes(key)) {
    click(document.getElementById(JSON.stringify({type: "score", value: Number(key)})));
  } else if (key === "j" || key === "ArrowRight") {
    click(document.getElementById("next"));
  } else if (key === "k" || key === "ArrowLeft") {
    click(document.getElementById("prev"));
  } else if (key === "Escape") {
    click(document.getElementById("back"));
  } else {
    click(document.querySelector('.class-button[data-key="' + key.toLowerCase() + '"]'));
  }
});
